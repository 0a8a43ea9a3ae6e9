import { Injectable } from '@nestjs/common';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';

@Injectable()
export class PlatformSettingRepository {
  constructor(private readonly db: IdentityDatabase) {}

  /** Inserts a singleton once; false when it already exists (someone else got there first). */
  async claimOnce(id: string, value: Record<string, unknown>, at: Date): Promise<boolean> {
    try {
      await this.db.platformSettings.create({ _id: id, value, at });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async release(id: string): Promise<void> {
    await this.db.platformSettings.deleteOne({ _id: id }).exec();
  }
}
