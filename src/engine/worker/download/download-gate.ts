/**
 * Pausing and resuming the downloads of a worker's model (`provider.pauseDownload()` /
 * `resumeDownload()`, issue #16). A pause aborts the transfers in flight (their bytes are
 * persisted, see `resumable-download.ts`) and holds new ones until resumed; a resume lets them
 * continue from the bytes held. One gate per worker: a worker loads one model.
 */
export class DownloadGate {
  private paused = false;
  private readonly waiters = new Set<() => void>();
  private readonly pauseListeners = new Set<() => void>();

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const listener of [...this.pauseListeners]) listener();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  /** Resolves at once when running, else on the next `resume()`. */
  whenRunning(): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Calls `listener` on each `pause()` until the returned function is called. */
  onPause(listener: () => void): () => void {
    this.pauseListeners.add(listener);
    return () => this.pauseListeners.delete(listener);
  }

  /**
   * Waits `ms`, or less if paused meanwhile (then until resumed). Resolves with the time spent
   * paused, which does not count against the patience of retries.
   */
  async sleep(ms: number): Promise<number> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const stop = this.onPause(() => {
        clearTimeout(timer);
        done();
      });
      function done() {
        stop();
        resolve();
      }
    });
    if (!this.paused) return 0;
    const pausedAt = performance.now();
    await this.whenRunning();
    return performance.now() - pausedAt;
  }
}
