// What the kernel does to its own process, independent of any Python version:
// - loadGlobal: libpython with RTLD_NOW|RTLD_GLOBAL before the interpreter addon. Node opens addons
//   RTLD_LOCAL, and C extension modules then fail to find libpython's symbols (DESIGN fact 1); the
//   interpreter addon's own dependency on the same SONAME is then satisfied by this copy (fact 2).
// - replaceProcess: execve, for a switch that cannot happen in-process: the PID stays, so Jupyter's
//   supervision of the kernel process does not notice.
#include <dlfcn.h>
#include <malloc.h>
#include <napi.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace {

Napi::Value LoadGlobal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    Napi::TypeError::New(env, "loadGlobal(path: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {  // kept open for the process's life
    const char* error = dlerror();
    Napi::Error::New(env, std::string("cannot load ") + path + ": " + (error ? error : "unknown error"))
        .ThrowAsJavaScriptException();
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

// replaceProcess(path, argv, env ["NAME=value", ...]): returns only when execve failed (and throws).
Napi::Value ReplaceProcess(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsArray() || !info[2].IsArray()) {
    Napi::TypeError::New(env, "replaceProcess(path: string, argv: string[], env: string[])").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::vector<std::string> args = Strings(info[1].As<Napi::Array>());
  std::vector<std::string> vars = Strings(info[2].As<Napi::Array>());
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(vars);
  execve(path.c_str(), argv.data(), envp.data());
  Napi::Error::New(env, std::string("cannot re-exec ") + path + ": " + std::strerror(errno)).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The kernel's threads (Node, zmq's I/O, Python, the output reader) would each get a malloc arena
  // of their own; two are plenty, and this runs before the Python and zmq threads start.
  mallopt(M_ARENA_MAX, 2);
  exports.Set("loadGlobal", Napi::Function::New<LoadGlobal>(env, "loadGlobal"));
  exports.Set("replaceProcess", Napi::Function::New<ReplaceProcess>(env, "replaceProcess"));
  return exports;
}

}  // namespace

NODE_API_MODULE(pyswitch_loader, Init)
