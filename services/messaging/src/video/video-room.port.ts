// Video consultation rooms. The adapter mints an unguessable room URL (128 random bits, base64url)
// on a configured base URL; it records nothing: no room list, no audio or video, no attendance.
import { randomBytes } from 'node:crypto';

export abstract class VideoRooms {
  abstract mintRoomUrl(): Promise<string>;
  /** A URL of the same length as a real one, for previews. */
  abstract exampleUrl(): string;
}

export class UnguessableVideoRooms extends VideoRooms {
  constructor(private readonly baseUrl: string) {
    super();
  }

  async mintRoomUrl(): Promise<string> {
    return this.baseUrl + randomBytes(16).toString('base64url');
  }

  exampleUrl(): string {
    return this.baseUrl + 'x'.repeat(22);
  }
}
