#pragma once
// pscd's guard on the connections gRPC accepts. gRPC 1.51 stops accepting for good after one
// accept4 fails with EMFILE (grpc/grpc#20418, #16058), so a flood of idle connections could
// leave pscd deaf until restarted. pscd defines listen, accept4 and close itself (the
// executable's definitions take precedence over libc's for gRPC's calls too) to:
//  - make the kernel hold a new connection back until its peer sends something
//    (TCP_DEFER_ACCEPT, as nginx's `deferred` and HAProxy's `defer-accept`): a real client
//    speaks first (its TLS ClientHello), so a flood of connections that send nothing costs
//    pscd no descriptor, and the few the kernel hands over bare once the period ends are
//    refused at the cap or closed by the handshake timeout;
//  - cap the connections open at once, so the listener never takes the last descriptors;
//  - at the cap, admit a new connection whose peer has already started TLS (a real client sends
//    its ClientHello the moment it connects, so it is there by the time a busy listener accepts)
//    by shedding the oldest connection whose peer has not (sent almost nothing), so that a real
//    client is served during a flood of idle connections. A new silent connection, or one with
//    none to shed (every open connection has started TLS: the handshake timeout bounds those),
//    is closed at once;
//  - keep a spare descriptor, so that on EMFILE it can still take the pending connection off
//    the queue and close it, and report EAGAIN, which gRPC survives, instead of EMFILE.
// A shed connection is shut down (shutdown(2)), never closed under gRPC's feet: gRPC sees its
// peer gone and closes it as usual. Only pscd links this file.

#include <cstdint>

namespace psc::daemon {

// A peer that has sent fewer bytes than this has not sent a TLS ClientHello (the smallest is
// larger): it has not started TLS.
inline constexpr uint64_t kTlsStartedBytes = 64;

// Turns the guard on with at most `max_connections` accepted sockets open at once (descriptors
// below `max_fd`, the open-file limit), and TCP listeners made from now on deferring a silent
// connection for `defer_accept_seconds` (0: not at all). Call once, before the server starts.
void InstallAcceptGuard(int max_connections, int max_fd, int defer_accept_seconds);

struct AcceptCounts {
  int64_t open = 0;       // accepted connections not yet closed (shed ones until closed)
  int64_t accepted = 0;   // in total
  int64_t refused = 0;    // closed at once: over the cap with none to shed, or no descriptor
  int64_t exhausted = 0;  // accept4 calls that found no descriptor (EMFILE, ENFILE)
  int64_t shed = 0;       // silent connections shut down to admit a new one
};
AcceptCounts GetAcceptCounts();

// Grows on every accept4 call that took a connection off the queue (accepted or refused): the
// listener probe's evidence that the listener is alive.
uint64_t AcceptActivity();

}  // namespace psc::daemon
