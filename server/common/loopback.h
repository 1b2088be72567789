#pragma once
// Whether an address is this machine's alone: pscd's --insecure, psc-web's --dev-login and
// psc-load's targets are allowed only there.

#include <string>

namespace psc {

// Whether `host_port` ("host:port", an IPv6 host in brackets) names loopback addresses only:
// its host resolves, and every address it resolves to is in 127.0.0.0/8 or is ::1. Decided by
// address, never by name ("127.example.org" may resolve anywhere); an empty host (every
// interface) is not loopback. Thread-safe; may consult the resolver.
bool IsLoopbackAddress(const std::string& host_port);

}  // namespace psc
