import { deadLetterTopic, serviceTopic } from './topics';

describe('topic names', () => {
  it('follow cairn.<service>.events.v1 and <topic>.dlq', () => {
    expect(serviceTopic('media-vault')).toBe('cairn.media-vault.events.v1');
    expect(deadLetterTopic(serviceTopic('identity'))).toBe('cairn.identity.events.v1.dlq');
    expect(() => serviceTopic('Media Vault')).toThrow();
  });
});
