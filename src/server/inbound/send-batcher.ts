/**
 * Gathers items handed over at about the same time into one call: the first item waits up to
 * `maxWaitMs` for company, and a batch goes at once when it reaches `maxItems`. Each caller's
 * promise settles with its batch, so a failed send is reported to every item in it.
 */
export class SendBatcher<T> {
  private readonly keyed: KeyedSendBatcher<T>;

  constructor(send: (items: T[]) => Promise<void>, options: BatchLimits) {
    this.keyed = new KeyedSendBatcher((items) => send(items), options);
  }

  add(item: T): Promise<void> {
    return this.keyed.add("", item);
  }
}

export interface BatchLimits {
  maxItems: number;
  maxWaitMs: number;
}

interface Gathering<T> {
  waiting: { item: T; settle: (error?: unknown) => void }[];
  timer?: NodeJS.Timeout;
}

/** The same, with one batch per key: items of different keys never share a call. */
export class KeyedSendBatcher<T> {
  private readonly gathering = new Map<string, Gathering<T>>();

  constructor(
    private readonly send: (items: T[], key: string) => Promise<void>,
    private readonly options: BatchLimits,
  ) {}

  add(key: string, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let batch = this.gathering.get(key);
      if (!batch) this.gathering.set(key, (batch = { waiting: [] }));
      batch.waiting.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (batch.waiting.length >= this.options.maxItems) this.flush(key);
      else batch.timer ??= setTimeout(() => this.flush(key), this.options.maxWaitMs);
    });
  }

  private flush(key: string): void {
    const batch = this.gathering.get(key);
    if (!batch) return;
    this.gathering.delete(key);
    clearTimeout(batch.timer);
    const { waiting } = batch;
    Promise.resolve()
      .then(() =>
        this.send(
          waiting.map((entry) => entry.item),
          key,
        ),
      )
      .then(
        () => waiting.forEach((entry) => entry.settle()),
        (error: unknown) => waiting.forEach((entry) => entry.settle(error ?? new Error("send failed"))),
      );
  }
}
