// Loads libpython with RTLD_NOW|RTLD_GLOBAL before the interpreter addon: Node opens addons RTLD_LOCAL,
// and C extension modules then fail to find libpython's symbols (DESIGN fact 1). The interpreter addon's
// own dependency on the same SONAME is then satisfied by this copy (fact 2).
#include <dlfcn.h>
#include <malloc.h>
#include <napi.h>

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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The kernel's threads (Node, zmq's I/O, Python, the output reader) would each get a malloc arena
  // of their own; two are plenty, and this runs before the Python and zmq threads start.
  mallopt(M_ARENA_MAX, 2);
  exports.Set("loadGlobal", Napi::Function::New<LoadGlobal>(env, "loadGlobal"));
  return exports;
}

}  // namespace

NODE_API_MODULE(pyswitch_loader, Init)
