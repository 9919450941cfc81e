import { BlockList, isIP } from 'node:net';

/** 127.0.0.0/8 and ::1 (an IPv4-mapped 127.x address counts as IPv4 loopback). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True when `host` is a loopback IP address (127.0.0.0/8, ::1) or exactly `localhost`. A DNS name
 * that merely starts with `127.` (`127.evil.example`) is not loopback: it resolves wherever its owner
 * wants. Accepts a bare host as given to `listen()` or a URL's `hostname` (IPv6 in brackets).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  if (family === 4) return LOOPBACK.check(bare, 'ipv4');
  if (family === 6) return LOOPBACK.check(bare, 'ipv6');
  return false;
}

/**
 * True when the URL's host is loopback after WHATWG URL parsing (so `http://127.1` and
 * `http://0x7f000001` are, `http://127.evil.example` is not). An unparseable URL is not loopback.
 * The one loopback test every decision uses: dev keys, the cleartext exception, the emulator guard.
 */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(hostname);
}
