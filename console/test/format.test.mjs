import test from 'node:test';
import assert from 'node:assert/strict';
import {base64ToBytes, bytesToText, formatBytes, formatCompact, formatNumber, formatSeconds,
  formatTimestamp, hexDump, parseTimestamp, renderBytes} from '../src/js/format.js';

const bytes = (text) => new TextEncoder().encode(text);

test('numbers, sizes and compact values read as a person would write them', () => {
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(null), '–');
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(1073741824), '1.0 GiB');
  assert.equal(formatBytes(200 * 1024 * 1024), '200 MiB');
  assert.equal(formatCompact(0), '0');
  assert.equal(formatCompact(0.25), '0.25');
  assert.equal(formatCompact(950), '950');
  assert.equal(formatCompact(1250), '1.3k');
  assert.equal(formatCompact(45000), '45k');
  assert.equal(formatCompact(2500000), '2.5M');
});

test('durations pick a unit that fits', () => {
  assert.equal(formatSeconds(0.042), '42 ms');
  assert.equal(formatSeconds(1.25), '1.3 s');
  assert.equal(formatSeconds(185), '3m 5s');
  assert.equal(formatSeconds(7200), '2h 0m');
  assert.equal(formatSeconds(3 * 86400), '3d 0h');
});

test('timestamps are shown and parsed in UTC', () => {
  assert.equal(formatTimestamp(1764259200123), '2025-11-27 16:00:00.123Z');
  assert.equal(parseTimestamp('2025-11-27 16:00:00'), 1764259200000);
  assert.equal(parseTimestamp('2025-11-27T16:00:00+01:00'), 1764255600000);
  assert.equal(parseTimestamp('1764259200000'), 1764259200000);
  assert.ok(Number.isNaN(parseTimestamp('yesterday')));
});

test('base64 decodes to the bytes it carries', () => {
  assert.deepEqual([...base64ToBytes('AP8Q')], [0x00, 0xff, 0x10]);
  assert.equal(base64ToBytes(null), null);
});

test('text is UTF-8 without control characters, else not text', () => {
  assert.equal(bytesToText(bytes('café\tok\n')), 'café\tok\n');
  assert.equal(bytesToText(new Uint8Array([0xc3])), null);
  assert.equal(bytesToText(new Uint8Array([0x61, 0x00])), null);
});

test('a hex dump shows offset, bytes and printable characters', () => {
  assert.equal(hexDump(bytes('{"id":1}')), '00000000  7b 22 69 64 22 3a 31 7d                          |{"id":1}|');
  const long = hexDump(new Uint8Array(40), 32);
  assert.equal(long.split('\n').length, 3);
  assert.match(long, /… 8 more bytes$/);
});

test('auto picks JSON, then text, then hex; a mode that does not fit falls back to hex', () => {
  assert.deepEqual(renderBytes(bytes('{"a":1}')), {mode: 'json', text: '{\n  "a": 1\n}'});
  assert.deepEqual(renderBytes(bytes('plain words')), {mode: 'text', text: 'plain words'});
  assert.equal(renderBytes(bytes('{not json')).mode, 'text');
  assert.equal(renderBytes(new Uint8Array([0, 255])).mode, 'hex');
  assert.equal(renderBytes(bytes('plain'), 'json').mode, 'hex');
  assert.equal(renderBytes(new Uint8Array([0, 255]), 'text').mode, 'hex');
  assert.deepEqual(renderBytes(bytes('{"a":1}'), 'text'), {mode: 'text', text: '{"a":1}'});
  assert.deepEqual(renderBytes(null), {mode: 'null', text: 'null'});
});
