#pragma once
// Happens-before edges that ThreadSanitizer cannot see by itself, stated where they are made.
//
// gRPC and abseil come from Debian uninstrumented, so TSan sees none of the synchronization
// inside them (absl::Mutex, atomics, the completion queues). Where pscd hands an object to
// gRPC on one thread and gRPC hands it back on another (a reactor's Finish and its OnDone, a
// StartWrite and its OnWriteDone), gRPC guarantees the order, and these calls tell TSan so:
// TsanRelease(x) before the hand-off, TsanAcquire(x) first thing in the callback. In any
// other build they compile to nothing. docs/testing.md ("Sanitizers") describes the whole TSan
// set-up.

#if defined(__SANITIZE_THREAD__)
#define PSC_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PSC_TSAN 1
#endif
#endif

#ifdef PSC_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace psc {

// Everything this thread did before is visible to a thread that later calls TsanAcquire(addr).
inline void TsanRelease(const void* addr) {
#ifdef PSC_TSAN
  __tsan_release(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

// Sees everything done before every earlier TsanRelease(addr).
inline void TsanAcquire(const void* addr) {
#ifdef PSC_TSAN
  __tsan_acquire(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

}  // namespace psc
