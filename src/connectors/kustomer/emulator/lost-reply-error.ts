/**
 * What a caller sees when a `lost_reply` fault with `reply: 'close'` drops the connection after the write was
 * committed. In-process it is thrown from `fetch`, shaped like undici's network failure (TypeError "fetch failed"
 * with a cause); serveEmulator turns it into a destroyed socket.
 */
export class LostReplyError extends TypeError {
  constructor() {
    super('fetch failed', { cause: new Error('other side closed (emulator lost_reply fault: the write was committed)') });
    this.name = 'TypeError';
  }
}
