/**
 * Tells a call's upstream work that the client has gone. An AbortController costs about twenty times as much as an
 * EventEmitter once undici has added and removed its listener, on every call; undici takes an EventEmitter with an
 * `aborted` flag as its `signal`, and the rest of the gateway only reads the flag.
 */
import { EventEmitter } from 'node:events';

export class CallSignal extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
