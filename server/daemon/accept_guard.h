#pragma once
// pscd's guard on the connections gRPC accepts. gRPC 1.51 stops accepting for good after one
// accept4 fails with EMFILE (grpc/grpc#20418, #16058), so a flood of idle connections could
// leave pscd deaf until restarted. pscd defines accept4 and close itself (the executable's
// definitions take precedence over libc's for gRPC's calls too) to:
//  - cap the connections open at once: beyond the cap a connection is accepted and closed at
//    once, so the listener never takes the last descriptors;
//  - keep a spare descriptor, so that on EMFILE it can still take the pending connection off
//    the queue and close it, and report EAGAIN, which gRPC survives, instead of EMFILE.
// Only pscd links this file.

#include <cstdint>

namespace psc::daemon {

// Turns the guard on with at most `max_connections` accepted sockets open at once (descriptors
// below `max_fd`, the open-file limit). Call once, before the server starts.
void InstallAcceptGuard(int max_connections, int max_fd);

struct AcceptCounts {
  int64_t open = 0;       // accepted connections not yet closed
  int64_t accepted = 0;   // in total
  int64_t refused = 0;    // closed at once: over the cap, or no descriptor left
  int64_t exhausted = 0;  // accept4 calls that found no descriptor (EMFILE, ENFILE)
};
AcceptCounts GetAcceptCounts();

// Grows on every accept4 call that took a connection off the queue (accepted or refused): the
// listener probe's evidence that the listener is alive.
uint64_t AcceptActivity();

}  // namespace psc::daemon
