import Dispatch

/// `(0..<count).map(work)`, run on all cores; the results come back in index order.
func parallelMap<T>(_ count: Int, _ work: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in results[i] = work(i) }
    return results.values
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
