import { canMove } from './message';

describe('canMove', () => {
  it('moves forward through the statuses', () => {
    expect(canMove('created', 'sending')).toBe(true);
    expect(canMove('sending', 'sent')).toBe(true);
    expect(canMove('sent', 'delivered')).toBe(true);
    expect(canMove('sending', 'delivered')).toBe(true);
  });

  it('never changes a final status (duplicate or out-of-order receipts)', () => {
    expect(canMove('delivered', 'permanent-failure')).toBe(false);
    expect(canMove('delivered', 'delivered')).toBe(false);
    expect(canMove('permanent-failure', 'delivered')).toBe(false);
    expect(canMove('cancelled', 'sending')).toBe(false);
  });

  it('never moves backwards', () => {
    expect(canMove('sent', 'sending')).toBe(false);
  });
});
