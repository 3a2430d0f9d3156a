/**
 * The write side of a connection: responses leave in request order whatever order their handlers
 * finish in (pipelining), each with its int32 size prefix, corked so that one tick's writes go
 * out in one writev.
 */
import type { Socket } from 'node:net';
import type { ConnectionInfo } from './types.js';

/** One dispatched request's place in the response order. */
export interface ResponseSlot {
  done: boolean;
  /** null: the request gets no response (Produce acks=0); the slot is just freed. */
  response: Buffer | null;
  /** Set through ConnectionControl.closeAfterResponse. */
  closeReason: string | null;
}

/** Largest response the int32 size prefix can describe. */
export const MAX_RESPONSE_BYTES = 0x7fffffff;

export class ResponseQueue {
  private readonly slots: ResponseSlot[] = [];

  /** Requests dispatched and not yet answered (their responses unwritten). */
  get size(): number {
    return this.slots.length;
  }

  /** Takes the next place in the response order, for a request being dispatched. */
  reserve(): ResponseSlot {
    const slot: ResponseSlot = { done: false, response: null, closeReason: null };
    this.slots.push(slot);
    return slot;
  }

  /** The request's handler finished: its response may leave once every earlier one has. */
  fill(slot: ResponseSlot, response: Buffer | null): void {
    slot.done = true;
    slot.response = response;
  }

  /**
   * Hands every finished response at the head of the queue to `write`, in request order. Stops
   * after a request that asked to close the connection and returns its reason; otherwise null.
   */
  takeReady(write: (response: Buffer) => void): string | null {
    const slots = this.slots;
    while (slots.length > 0 && slots[0]!.done) {
      const { response, closeReason } = slots.shift()!;
      if (response) write(response);
      if (closeReason !== null) return closeReason;
    }
    return null;
  }

  clear(): void {
    this.slots.length = 0;
  }
}

/** Size-prefixes responses onto the socket and counts them in the connection's info. */
export class ResponseWriter {
  private corked = false;

  constructor(
    private readonly socket: Socket,
    private readonly info: ConnectionInfo,
  ) {}

  /** False when the socket's buffer went over its high-water mark: stop reading until 'drain'. */
  write(response: Buffer): boolean {
    const socket = this.socket;
    if (!this.corked) {
      // Everything written during this tick goes out as one writev.
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        if (!socket.destroyed) socket.uncork();
      });
    }
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(response.length, 0);
    socket.write(prefix);
    const ok = socket.write(response);
    this.info.responses += 1;
    this.info.bytesOut += 4 + response.length;
    this.info.lastActivityAt = Date.now();
    return ok;
  }
}
