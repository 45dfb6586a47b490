// What the kernel does to its own process, independent of any Python version:
// - loadGlobal: libpython with RTLD_NOW|RTLD_GLOBAL before the interpreter addon. Node opens addons
//   RTLD_LOCAL, and C extension modules then fail to find libpython's symbols (docs/runtime-facts.md,
//   fact 1); the interpreter addon's own dependency on the same SONAME is then satisfied by this copy
//   (fact 2).
// - replaceProcess: execve, for a switch that cannot happen in-process: the PID stays, so Jupyter's
//   supervision of the kernel process does not notice.
// - the listening sockets and the in-memory data a re-exec hands over (listeners.h).
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <napi.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "js_error.h"
#include "listeners.h"

namespace {

Napi::Value LoadGlobal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<std::string> argument = OnlyStringArgument(info, "loadGlobal(path: string)");
  if (!argument) return env.Undefined();
  const std::string& path = *argument;
  if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {  // kept open for the process's life
    const char* error = dlerror();
    ThrowError(env, "PYSWITCH_DLOPEN", std::string("cannot load ") + path + ": " + (error ? error : "unknown error"));
  }
  return env.Undefined();
}

std::vector<std::string> Strings(const Napi::Array& array) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).ToString().Utf8Value());
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<int> Ints(const Napi::Array& array) {
  std::vector<int> out;
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).ToNumber().Int32Value());
  return out;
}

void SetCloseOnExec(const std::vector<int>& fds, bool on) {
  for (int fd : fds) fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

// replaceProcess(path, argv, env ["NAME=value", ...], keep: fd[], output: [fd1, fd2] | []): returns only
// when execve failed (and throws). `keep` go through execve (every other descriptor is close-on-exec);
// `output` become fds 1 and 2 first: an interpreter that did not finalize in time still captures them.
Napi::Value ReplaceProcess(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsArray() || !info[2].IsArray() || !info[3].IsArray() || !info[4].IsArray()) {
    ThrowTypeError(env, "replaceProcess(path: string, argv: string[], env: string[], keep: number[], output: number[])");
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::vector<std::string> args = Strings(info[1].As<Napi::Array>());
  std::vector<std::string> vars = Strings(info[2].As<Napi::Array>());
  std::vector<int> keep = Ints(info[3].As<Napi::Array>());
  std::vector<int> output = Ints(info[4].As<Napi::Array>());
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(vars);
  if (output.size() == 2) {
    dup2(output[0], 1);
    dup2(output[1], 2);
  }
  SetCloseOnExec(keep, false);
  execve(path.c_str(), argv.data(), envp.data());
  int error = errno;
  SetCloseOnExec(keep, true);
  // The errno's name as the code (ENOENT, EACCES, ...), as Node's own system errors have it.
  const char* name = strerrorname_np(error);
  ThrowError(env, name ? name : "PYSWITCH_EXECVE", std::string("cannot re-exec ") + path + ": " + std::strerror(error));
  return env.Undefined();
}

// After a burst of requests, zmq's and Python's buffers leave free pages inside the malloc arenas,
// which stay mapped until trimmed (docs/performance.md, "A full GC once the kernel is quiet"). True
// when some memory went back to the system.
Napi::Value ReleaseFreeMemory(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The kernel's threads (Node, zmq's I/O, Python, the output reader) would each get a malloc arena
  // of their own; two are plenty, and this runs before the Python and zmq threads start.
  mallopt(M_ARENA_MAX, 2);
  exports.Set("loadGlobal", Napi::Function::New<LoadGlobal>(env, "loadGlobal"));
  exports.Set("replaceProcess", Napi::Function::New<ReplaceProcess>(env, "replaceProcess"));
  exports.Set("releaseFreeMemory", Napi::Function::New<ReleaseFreeMemory>(env, "releaseFreeMemory"));
  exports.Set("bindTcp", Napi::Function::New<BindTcp>(env, "bindTcp"));
  exports.Set("takeOver", Napi::Function::New<TakeOver>(env, "takeOver"));
  exports.Set("adoptListener", Napi::Function::New<AdoptListener>(env, "adoptListener"));
  exports.Set("bindUnix", Napi::Function::New<BindUnix>(env, "bindUnix"));
  exports.Set("takeOverPath", Napi::Function::New<TakeOverPath>(env, "takeOverPath"));
  exports.Set("connections", Napi::Function::New<Connections>(env, "connections"));
  exports.Set("inheritableData", Napi::Function::New<InheritableData>(env, "inheritableData"));
  return exports;
}

}  // namespace

NODE_API_MODULE(pyswitch_loader, Init)
