import { Context, Effect, Exit, Layer, Semaphore } from "effect"
import type { StorageError } from "./Errors.ts"

/**
 * One use case, one transaction: state, audit events and outbox messages written inside `transaction`
 * commit together or not at all. Stores of the same adapter join the transaction in progress;
 * a nested `transaction` joins the outer one.
 */
export class UnitOfWork extends Context.Service<
  UnitOfWork,
  {
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>()("@cloudportal/core/UnitOfWork") {}

/** The undo log of the memory transaction in progress, if any. */
export const MemoryJournal = Context.Reference<Array<() => void> | undefined>("@cloudportal/core/MemoryJournal", {
  defaultValue: () => undefined
})

/**
 * A table of the in-memory layers. Writes inside a memory transaction are undone if it fails.
 * Transactions are serialized; reads outside one may see a transaction's writes before it commits,
 * which the in-memory layers accept (they are for tests and embedding, not for concurrent servers).
 */
export class MemoryTable<K, V> {
  private readonly rows = new Map<K, V>()

  get(key: K): V | undefined {
    return this.rows.get(key)
  }
  values(): IterableIterator<V> {
    return this.rows.values()
  }
  entries(): IterableIterator<[K, V]> {
    return this.rows.entries()
  }
  get size(): number {
    return this.rows.size
  }
  find(predicate: (value: V) => boolean): V | undefined {
    for (const v of this.rows.values()) if (predicate(v)) return v
    return undefined
  }
  filter(predicate: (value: V) => boolean): Array<V> {
    const out: Array<V> = []
    for (const v of this.rows.values()) if (predicate(v)) out.push(v)
    return out
  }

  readonly set = (key: K, value: V): Effect.Effect<void> =>
    MemoryJournal.use((journal) =>
      Effect.sync(() => {
        if (journal) {
          const had = this.rows.has(key)
          const old = this.rows.get(key)
          journal.push(() => (had ? this.rows.set(key, old as V) : this.rows.delete(key)))
        }
        this.rows.set(key, value)
      })
    )

  readonly delete = (key: K): Effect.Effect<void> =>
    MemoryJournal.use((journal) =>
      Effect.sync(() => {
        if (!this.rows.has(key)) return
        const old = this.rows.get(key) as V
        journal?.push(() => this.rows.set(key, old))
        this.rows.delete(key)
      })
    )
}

export const unitOfWorkMemory: Layer.Layer<UnitOfWork> = Layer.sync(UnitOfWork)(() => {
  const writer = Semaphore.makeUnsafe(1)
  return {
    transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      MemoryJournal.use((outer) => {
        if (outer) return effect
        const journal: Array<() => void> = []
        return effect.pipe(
          Effect.provideService(MemoryJournal, journal),
          Effect.onExit((exit) =>
            Effect.sync(() => {
              if (Exit.isFailure(exit)) for (let i = journal.length - 1; i >= 0; i--) journal[i]?.()
            })
          ),
          Semaphore.withPermit(writer)
        )
      }) as Effect.Effect<A, E | StorageError, R>
  }
})
