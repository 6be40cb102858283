// A small, faithful stand-in for navigator.locks (exclusive locks only): queued requests are
// granted in order, a held lock is released when the callback's promise settles, `ifAvailable`
// answers null at once when held, and an aborted signal takes a waiting request out of the queue.
export class FakeLockManager {
  constructor() {
    this.held = new Map();
    this.queues = new Map();
  }

  request(name, options, callback) {
    if (typeof options === 'function') { callback = options; options = {}; }
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) { reject(new DOMException('aborted', 'AbortError')); return; }
      if (options.ifAvailable && (this.held.has(name) || this.queues.get(name)?.length)) {
        Promise.resolve().then(() => callback(null)).then(resolve, reject);
        return;
      }
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      const entry = { callback, resolve, reject };
      queue.push(entry);
      options.signal?.addEventListener('abort', () => {
        const i = queue.indexOf(entry);
        if (i >= 0) { queue.splice(i, 1); reject(new DOMException('aborted', 'AbortError')); }
      });
      this.pump(name);
    });
  }

  pump(name) {
    if (this.held.has(name)) return;
    const next = this.queues.get(name)?.shift();
    if (!next) return;
    this.held.set(name, next);
    Promise.resolve()
      .then(() => next.callback({ name, mode: 'exclusive' }))
      .then((value) => { this.held.delete(name); next.resolve(value); this.pump(name); },
        (err) => { this.held.delete(name); next.reject(err); this.pump(name); });
  }
}
