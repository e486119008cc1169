'use client';
import { useSyncExternalStore } from 'react';

const subscribe = () => () => undefined;

/** A ClickHouse UTC time (`2026-12-03 08:46:27.123`) in the viewer's own time zone; the server renders it as UTC. */
export function LocalTime({ value }: { value: string }) {
  const date = new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
  const local = useSyncExternalStore(
    subscribe,
    () => (Number.isNaN(date.getTime()) ? value : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })),
    () => `${value} UTC`,
  );
  return <time dateTime={Number.isNaN(date.getTime()) ? undefined : date.toISOString()}>{local}</time>;
}
