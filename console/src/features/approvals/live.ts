'use client';
import type { ApprovalChange } from '@airlock/sdk';
import { useEffect, useState } from 'react';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Subscribes to the console's approval stream (GET /approvals/stream); EventSource reconnects by itself. */
export function useApprovalChanges(onChange: (change: ApprovalChange) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const source = new EventSource('/approvals/stream');
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    source.onmessage = (event: MessageEvent<string>) => onChange(JSON.parse(event.data) as ApprovalChange);
    return () => source.close();
  }, [onChange]);
  return state;
}

/** The current time, once a second, for ages and expiries that count on screen. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export const LIVE_TEXT: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live: changes appear as they happen', reconnecting: 'Connection lost, reconnecting…' };
