/**
 * Coalesces concurrent calls into batches: calls made while a batch is being written wait for the next one, which
 * takes all of them (up to `maxBatch`). Under load each database command carries many items; alone, an item is
 * written at once.
 */
export function createBatcher<In, Out>(run: (items: In[]) => Promise<Out[]>, options: { maxBatch: number }): (item: In) => Promise<Out> {
  type Waiting = { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  let running = false;

  const drain = async () => {
    running = true;
    while (queue.length) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = false;
  };

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
