#include "listeners.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/filter.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>

#include "js_error.h"
#include "unique_fd.h"

namespace {

// The errno's name as the code (EADDRINUSE, EBADF, ...), as Node's own system errors have it.
Napi::Value Fail(Napi::Env env, const std::string& what) {
  int error = errno;
  const char* name = strerrorname_np(error);
  ThrowError(env, name ? name : "PYSWITCH_SOCKET", what + ": " + std::strerror(error));
  return env.Undefined();
}

// The local port of a socket, or -1 when it is not an IPv4/IPv6 socket.
int LocalPort(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return -1;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return -1;
}

// What identifies a socket's local address among this process's sockets: "tcp:PORT", or "unix:PATH" (the
// name it was bound to, which the connections it accepts report too); "" for anything else.
std::string LocalAddress(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return "";
  if (address.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<sockaddr_un*>(&address);
    size_t length = size > offsetof(sockaddr_un, sun_path) ? size - offsetof(sockaddr_un, sun_path) : 0;
    return "unix:" + std::string(un->sun_path, strnlen(un->sun_path, length));
  }
  int port = LocalPort(fd);
  return port < 0 ? "" : "tcp:" + std::to_string(port);
}

bool IsListening(int fd) {
  int accepting = 0;
  socklen_t size = sizeof(accepting);
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) == 0 && accepting == 1;
}

}  // namespace

Napi::Value BindTcp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsNumber() || !info[2].IsBoolean()) {
    ThrowTypeError(env, "bindTcp(ip: string, port: number, listen: boolean)");
    return env.Undefined();
  }
  std::string ip = info[0].As<Napi::String>().Utf8Value();
  int port = info[1].As<Napi::Number>().Int32Value();
  sockaddr_storage address{};
  socklen_t size;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (ip == "*" || ip == "0.0.0.0" || inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    if (ip == "*" || ip == "0.0.0.0") v4->sin_addr.s_addr = htonl(INADDR_ANY);
    size = sizeof(*v4);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    size = sizeof(*v6);
  } else {
    ThrowError(env, "PYSWITCH_ADDRESS", "not a numeric IP address: " + ip);
    return env.Undefined();
  }
  UniqueFd fd(socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return Fail(env, "socket");
  int on = 1;
  // SO_REUSEADDR as zmq sets it (a port in TIME_WAIT from an earlier kernel binds again). SO_REUSEPORT
  // lets the standby join the active socket; the active one (the one that listens at once) sets it only
  // after its bind, so that bind fails with EADDRINUSE wherever any socket holds the port, another
  // kernel's included, instead of sharing its connections (docs/reliability-facts.md, fact 11).
  bool active = info[2].As<Napi::Boolean>().Value();
  if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) return Fail(env, "SO_REUSEADDR");
  if (!active && setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return Fail(env, "SO_REUSEPORT");
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size) != 0) {
    return Fail(env, "cannot bind " + ip + ":" + std::to_string(port));
  }
  if (active && setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return Fail(env, "SO_REUSEPORT");
  if (active && listen(fd.get(), SOMAXCONN) != 0) return Fail(env, "listen");
  return Napi::Number::New(env, fd.release());  // the caller keeps it (zmq closes an active one)
}

Napi::Value TakeOver(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "takeOver(fd: number)");
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (listen(fd, SOMAXCONN) != 0) return Fail(env, "listen");
  // The program returns the index of the socket in the group's array, in the order they started to
  // listen: zmq's is 0, this one 1. When the group has one socket (in the next image, until its own
  // standby takes over), an index out of range falls back to the usual hash.
  sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 1}};
  sock_fprog program{1, code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof(program)) != 0) {
    return Fail(env, "SO_ATTACH_REUSEPORT_CBPF");
  }
  return env.Undefined();
}

Napi::Value AdoptListener(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !(info[1].IsNumber() || info[1].IsString())) {
    ThrowTypeError(env, "adoptListener(fd: number, port: number | path: string)");
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  // A unix socket keeps the name it was bound to (a standby's temporary one) after its rename.
  bool unix_domain = info[1].IsString();
  std::string where = unix_domain ? info[1].As<Napi::String>().Utf8Value() : std::to_string(info[1].As<Napi::Number>().Int32Value());
  struct stat st{};
  bool fits = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && IsListening(fd) &&
              (unix_domain ? LocalAddress(fd).rfind("unix:", 0) == 0 : LocalAddress(fd) == "tcp:" + where);
  if (!fits) {
    ThrowError(env, "PYSWITCH_NOT_LISTENING", "fd " + std::to_string(fd) + " is not a socket listening on " + where);
    return env.Undefined();
  }
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return Fail(env, "FD_CLOEXEC");
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return Fail(env, "O_NONBLOCK");
  return env.Undefined();
}

Napi::Value Connections(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray() || !info[1].IsBoolean()) {
    ThrowTypeError(env, "connections(listeners: number[], shutdownWrite: boolean)");
    return env.Undefined();
  }
  Napi::Array list = info[0].As<Napi::Array>();
  std::map<std::string, uint32_t> listeners;  // local address -> index in `list`
  for (uint32_t i = 0; i < list.Length(); ++i) {
    std::string address = LocalAddress(list.Get(i).ToNumber().Int32Value());
    if (!address.empty()) listeners.emplace(address, i);
  }
  bool shutdown_write = info[1].As<Napi::Boolean>().Value();
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return Fail(env, "/proc/self/fd");
  int self = dirfd(dir);
  Napi::Array found = Napi::Array::New(env);
  uint32_t count = 0;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long number = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || number == self) continue;
    int fd = static_cast<int>(number);
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || IsListening(fd)) continue;
    auto listener = listeners.find(LocalAddress(fd));
    if (listener == listeners.end()) continue;
    // A connection stays in the list until zmq closes its descriptor, also once its peer is gone: a
    // peer's FIN after our own ends a TCP socket's state (getpeername: ENOTCONN) while what the peer
    // sent before it is still unread (docs/reliability-facts.md, fact 7).
    sockaddr_storage peer{};
    socklen_t size = sizeof(peer);
    bool peer_gone = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0;
    int unread = 0;
    if (ioctl(fd, SIOCINQ, &unread) != 0) unread = 0;
    // The peer reads what was sent, then end-of-file; its zmq closes the connection after its own last
    // frame, which zmq here still reads.
    if (shutdown_write && !peer_gone) shutdown(fd, SHUT_WR);
    Napi::Object connection = Napi::Object::New(env);
    connection.Set("inode", Napi::Number::New(env, static_cast<double>(st.st_ino)));
    connection.Set("listener", Napi::Number::New(env, listener->second));
    connection.Set("peerGone", Napi::Boolean::New(env, peer_gone));
    connection.Set("unread", Napi::Number::New(env, unread));
    found.Set(count++, connection);
  }
  closedir(dir);
  return found;
}

namespace {

// A listening unix-domain socket bound to `path`, close-on-exec and non-blocking.
UniqueFd ListenUnix(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    errno = ENAMETOOLONG;
    return UniqueFd();
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd || bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return UniqueFd();
  if (listen(fd.get(), SOMAXCONN) != 0) {
    unlink(path.c_str());
    return UniqueFd();
  }
  return fd;
}

}  // namespace

Napi::Value BindUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<std::string> argument = OnlyStringArgument(info, "bindUnix(path: string)");
  if (!argument) return env.Undefined();
  const std::string& path = *argument;
  // A socket file left by an earlier kernel is removed, as zmq's own bind does; anything else is not.
  struct stat st{};
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
  UniqueFd fd = ListenUnix(path);
  if (!fd) return Fail(env, "cannot listen on " + path);
  return Napi::Number::New(env, fd.release());
}

Napi::Value TakeOverPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<std::string> argument = OnlyStringArgument(info, "takeOverPath(path: string)");
  if (!argument) return env.Undefined();
  const std::string& path = *argument;
  std::string temporary = path + ".s" + std::to_string(getpid());  // short: sun_path holds 107 bytes
  unlink(temporary.c_str());  // one of an image of this process that failed before its rename
  UniqueFd fd = ListenUnix(temporary);
  if (!fd) return Fail(env, "cannot listen on " + temporary);
  // rename() replaces the name at once: a connect() finds either the old listener or this one.
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    Napi::Value failed = Fail(env, "cannot rename " + temporary + " to " + path);
    unlink(temporary.c_str());
    return failed;
  }
  return Napi::Number::New(env, fd.release());
}

Napi::Value InheritableData(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) {
    ThrowTypeError(env, "inheritableData(bytes: Buffer)");
    return env.Undefined();
  }
  Napi::Buffer<char> bytes = info[0].As<Napi::Buffer<char>>();
  UniqueFd fd(memfd_create("pyswitch-handoff", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return Fail(env, "memfd_create");
  size_t written = 0;
  while (written < bytes.Length()) {
    ssize_t n = pwrite(fd.get(), bytes.Data() + written, bytes.Length() - written, static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(env, "memfd write");
    written += static_cast<size_t>(n);
  }
  // Sealed before anyone else can reach it: from here no descriptor of it (an inherited one, or one
  // opened again through /proc) can write, truncate or grow it, so what the new image reads is what was
  // written (docs/reliability-facts.md, fact 10).
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) return Fail(env, "memfd seals");
  return Napi::Number::New(env, fd.release());
}
