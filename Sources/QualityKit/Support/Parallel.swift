import Dispatch
import Foundation

/// `(0..<count).map(work)`, run on all cores; the results come back in index order.
func parallelMap<T>(_ count: Int, _ work: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in results[i] = work(i) }
    return results.values
}

/// `items.map(transform)` on all cores, a batch of items per task (handing out a
/// task costs more than judging one region); the results come back in order.
func parallelMap<Element: Sendable, T>(_ items: [Element], batch: Int, _ transform: @Sendable (Element) -> T) -> [T] {
    let batches = (items.count + batch - 1) / batch
    return parallelMap(batches) { b in items[b * batch..<min(items.count, (b + 1) * batch)].map(transform) }.flatMap { $0 }
}

/// One slot per task, each written by its own task only, so tasks never share memory.
private final class ResultSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    subscript(i: Int) -> T? {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    var values: [T] { storage.map { $0! } }
}

/// Tasks started on other cores now, their results taken later in index
/// order, so the caller can work on something else meanwhile.
final class BackgroundWork<T>: @unchecked Sendable {
    private let group = DispatchGroup()
    private let results: ResultSlots<T>

    init(_ count: Int, on crew: BackgroundThreads, _ work: @escaping @Sendable (Int) -> T) {
        let results = ResultSlots<T>(count: count)
        self.results = results
        for i in 0..<count {
            group.enter()
            crew.run { [group] in
                results[i] = work(i)
                group.leave()
            }
        }
    }

    /// Waits for every task, then hands over their results.
    func wait() -> [T] {
        group.wait()
        return results.values
    }
}

/// Threads, one a core, that run tasks in the order given, at a lower priority than
/// the thread that gives them. That thread works beside them on what only it can do
/// (reading a table on both cores, it replays each stretch the threads check in file
/// order): with the three on two cores at one priority it had half a core at times and
/// the threads waited on it; at a lower one it has most of its core when they contend,
/// and they take what it leaves (2.6M report, 10 alternate rounds: 1.026 -> 0.951 s).
final class BackgroundThreads: @unchecked Sendable {
    private let condition = NSCondition()
    /// Tasks given, from `next` on waiting; those before it taken (nil: a task's captures
    /// are let go as soon as it is taken, not when the queue next runs dry).
    private var tasks: [(@Sendable () -> Void)?] = []
    private var next = 0
    private var closed = false

    /// One thread a core, and no more than `atMost` (the tasks that can be given at once).
    /// Nice +5: the giver's weight is three times a thread's.
    init(atMost: Int, niceness: Int32 = 5) {
        for _ in 0..<max(1, min(ProcessInfo.processInfo.activeProcessorCount, atMost)) {
            let thread = Thread { [self] in
                lowerPriority(by: niceness)
                while let task = take() { task() }
            }
            thread.start()
        }
    }

    func run(_ task: @escaping @Sendable () -> Void) {
        condition.lock()
        tasks.append(task)
        condition.signal()
        condition.unlock()
    }

    /// The threads end once the tasks given are done.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func take() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while next == tasks.count, !closed { condition.wait() }
        guard next < tasks.count else { return nil }
        let task = tasks[next]
        tasks[next] = nil
        next += 1
        // The slots of taken tasks are dropped now and then: a long read keeps those waiting.
        if next == tasks.count || next >= 64 {
            tasks.removeFirst(next)
            next = 0
        }
        return task
    }
}

/// Lowers the calling thread's priority by `niceness` from what it was given (a run under
/// `nice -n 10` stays below it); on Linux a thread's nice value is its own.
private func lowerPriority(by niceness: Int32) {
    #if os(Linux)
    let which = __priority_which_t(PRIO_PROCESS.rawValue)
    errno = 0
    let given = getpriority(which, 0)  // -1 is a nice value too: errno tells a failure
    guard errno == 0 else { return }
    _ = setpriority(which, 0, min(19, given + niceness))
    #endif
}

/// What one core writes a long output's pieces with, batch after batch (`writeInPieces`).
protocol PieceLane: AnyObject, Sendable {
    /// Hands the bytes written since the last hand-over to `emit`, which may read them
    /// only while it runs, and starts again in the same memory: a piece is never copied.
    func handOver(to emit: (UnsafeBufferPointer<UInt8>) -> Void)
}

/// Output for `count` items written on both cores, `perCore` items per core at a
/// time, and handed to `emit` in item order, a piece per core and batch: a long
/// output is never whole in memory. Each core writes with its own `Lane`
/// (its memory kept from batch to batch); `write` puts a range of items into a lane.
func writeInPieces<Lane: PieceLane>(
    _ count: Int, perCore: Int, lanes: [Lane], write: @Sendable (Lane, Range<Int>) -> Void, emit: (UnsafeBufferPointer<UInt8>) -> Void
) {
    var start = 0
    while start < count {
        let end = min(start + lanes.count * perCore, count)
        let ranges = (0..<lanes.count).map { k in min(start + k * perCore, end)..<min(start + (k + 1) * perCore, end) }.filter { !$0.isEmpty }
        _ = parallelMap(ranges.count) { k in write(lanes[k], ranges[k]) }
        for k in ranges.indices { lanes[k].handOver(to: emit) }
        start = end
    }
}
