import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepAlive } from '../../src/background/keepalive.js';

describe('KeepAlive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings at the interval while calls are pending, and only then', async () => {
    const ping = vi.fn(async () => undefined);
    const keepAlive = new KeepAlive(ping, 1000);
    let finish!: () => void;
    const call = keepAlive.during(() => new Promise<string>((resolve) => {
      finish = () => resolve('done');
    }));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(3500);
    expect(ping).toHaveBeenCalledTimes(3);
    finish();
    expect(await call).toBe('done');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ping).toHaveBeenCalledTimes(3);
  });

  it('one timer for overlapping calls; a failed call or ping changes nothing', async () => {
    const ping = vi.fn().mockRejectedValue(new Error('no'));
    const keepAlive = new KeepAlive(ping, 1000);
    const slow = keepAlive.during(() => new Promise((resolve) => setTimeout(resolve, 2500)));
    const failing = keepAlive.during(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      throw new Error('command failed');
    });
    const failed = expect(failing).rejects.toThrow('command failed');
    await vi.advanceTimersByTimeAsync(2000);
    await failed;
    // The interval and the slow call's own timer.
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    await slow;
    expect(vi.getTimerCount()).toBe(0);
    expect(ping).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(ping).toHaveBeenCalledTimes(2);
  });
});
