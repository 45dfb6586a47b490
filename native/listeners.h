// The kernel's listening sockets as descriptors of its own, so that the ports outlive a re-exec. Each
// channel has two sockets on its port (SO_REUSEPORT): the active one, which zmq listens on (ZMQ_USE_FD)
// and closes, and a standby, bound but not listening, which the kernel keeps. At a re-exec the standby
// starts listening and takes every new connection (a reuseport BPF program picks it), so they wait in
// its backlog, which goes through execve, while the connections zmq accepted are drained. zmq's own
// listener is left alone: it asserts on any accept() error but EAGAIN and a few others. Linux only, as
// the re-exec is.
#pragma once
#include <napi.h>

// bindTcp(ip, port, listen): fd. A TCP socket bound to ip:port (SO_REUSEPORT), close-on-exec and
// non-blocking. With `listen`, the port's first socket: bound only where no socket holds the port yet,
// then listening; without, a standby that joins it.
Napi::Value BindTcp(const Napi::CallbackInfo& info);
// takeOver(fd): a standby starts listening, and the port's new connections all go to it (the second
// listening socket of its reuseport group).
Napi::Value TakeOver(const Napi::CallbackInfo& info);
// adoptListener(fd, port | path): checks that an inherited fd is a socket listening on `port` (a unix-domain
// one, for a path), and marks it
// close-on-exec again (replaceProcess cleared the flag for the handover).
Napi::Value AdoptListener(const Napi::CallbackInfo& info);
// connections(listeners, shutdownWrite): {inode, listener, peerGone, unread}[]. This process's sockets
// that are not listening and share a local address with one of `listeners` (its index: `listener`): the
// connections zmq accepted and has not closed yet (over tcp, call it once the standbys listen, or the
// standbys count too). With whether their peer is gone, and how many bytes wait unread in each; with
// shutdownWrite, each whose peer is still there is half-closed first.
Napi::Value Connections(const Napi::CallbackInfo& info);
// bindUnix(path): fd. A unix-domain socket listening on `path` (a socket file already there is replaced),
// close-on-exec and non-blocking.
Napi::Value BindUnix(const Napi::CallbackInfo& info);
// takeOverPath(path): fd. A new unix-domain socket listening on `path` in place of the one there: bound
// to a temporary name beside it, then renamed over it, so every later connect() reaches the new one.
Napi::Value TakeOverPath(const Napi::CallbackInfo& info);
// inheritableData(bytes): fd. An in-memory file (memfd) holding `bytes`, read from offset 0; it is
// close-on-exec until replaceProcess hands it over.
Napi::Value InheritableData(const Napi::CallbackInfo& info);
