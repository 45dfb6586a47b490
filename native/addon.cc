// Node-API face of the embedded interpreter: `new Interpreter(onEvents)`, then start/call/stop return job
// ids whose results arrive as events, in order with the output they produced.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "js_error.h"
#include "original_output.h"
#include "python_runtime.h"

namespace {

class Interpreter : public Napi::ObjectWrap<Interpreter> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Interpreter",
                       {
                           InstanceMethod<&Interpreter::Start>("start"),
                           InstanceMethod<&Interpreter::Call>("call"),
                           InstanceMethod<&Interpreter::Restart>("restart"),
                           InstanceMethod<&Interpreter::Stop>("stop"),
                           InstanceMethod<&Interpreter::Interrupt>("interrupt"),
                           InstanceMethod<&Interpreter::Answer>("answer"),
                           InstanceMethod<&Interpreter::Close>("close"),
                       });
  }

  explicit Interpreter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Interpreter>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsFunction()) {
      ThrowTypeError(env, "new Interpreter(onEvents): onEvents must be a function");
      return;
    }
    wake_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "pyswitch-events", 0, 1);
    events_ = std::make_unique<EventQueue>(
        [this] { wake_.NonBlockingCall([this](Napi::Env env, Napi::Function fn) { Deliver(env, fn); }); });
    runtime_ = std::make_unique<PythonRuntime>(*events_);
  }

  ~Interpreter() override { Shutdown(); }

 private:
  // Runs on Node's main thread: hands every queued event to JavaScript in one call.
  void Deliver(Napi::Env env, Napi::Function on_events);

  // Copies an optional Buffer[] argument (undefined: none); false when it is something else.
  static bool BuffersOf(Napi::Value value, std::vector<std::string>* out) {
    if (value.IsUndefined()) return true;
    if (!value.IsArray()) return false;
    Napi::Array array = value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value item = array.Get(i);
      if (!item.IsBuffer()) return false;
      Napi::Buffer<char> buffer = item.As<Napi::Buffer<char>>();
      out->emplace_back(buffer.Data(), buffer.Length());
    }
    return true;
  }

  bool Alive(Napi::Env env) {
    if (runtime_) return true;
    ThrowError(env, "PYSWITCH_CLOSED", "the interpreter is closed");
    return false;
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    InitOptions init;
    if (!Alive(env) || !ReadInitOptions(info[0], &init)) return env.Undefined();
    return Napi::Number::New(env, static_cast<double>(runtime_->start(std::move(init))));
  }

  Napi::Value Restart(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    InitOptions init;
    if (!Alive(env) || !ReadInitOptions(info[0], &init)) return env.Undefined();
    return Napi::Number::New(env, static_cast<double>(runtime_->restart(std::move(init))));
  }

  static std::vector<std::string> Strings(Napi::Value value) {
    std::vector<std::string> out;
    if (!value.IsArray()) return out;
    Napi::Array array = value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).ToString().Utf8Value());
    return out;
  }

  // {executable, paths, explicit?: {baseExecutable, home, moduleSearchPaths}}
  static bool ReadInitOptions(Napi::Value value, InitOptions* init) {
    if (!value.IsObject()) {
      ThrowTypeError(value.Env(), "expected {executable, paths, explicit?}");
      return false;
    }
    Napi::Object options = value.As<Napi::Object>();
    init->executable = options.Get("executable").ToString().Utf8Value();
    init->paths = Strings(options.Get("paths"));
    Napi::Value explicit_paths = options.Get("explicit");
    if (explicit_paths.IsObject()) {
      Napi::Object paths = explicit_paths.As<Napi::Object>();
      init->explicit_paths = ExplicitPaths{paths.Get("baseExecutable").ToString().Utf8Value(),
                                           paths.Get("home").ToString().Utf8Value(),
                                           Strings(paths.Get("moduleSearchPaths"))};
    }
    return true;
  }

  Napi::Value Call(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    std::vector<std::string> buffers;
    if (!info[0].IsString() || !info[1].IsBuffer() || !BuffersOf(info[2], &buffers)) {
      ThrowTypeError(env, "call(method: string, payload: Buffer, buffers?: Buffer[])");
      return env.Undefined();
    }
    Napi::Buffer<char> payload = info[1].As<Napi::Buffer<char>>();
    uint64_t job = runtime_->call(info[0].As<Napi::String>().Utf8Value(), std::string(payload.Data(), payload.Length()),
                                  std::move(buffers));
    return Napi::Number::New(env, static_cast<double>(job));
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    return Napi::Number::New(env, static_cast<double>(runtime_->stop()));
  }

  Napi::Value Interrupt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    return Napi::Boolean::New(env, runtime_->interrupt());
  }

  // Answers the pending input or kernel request.
  Napi::Value Answer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    runtime_->provide_answer(info[0].ToString().Utf8Value());
    return env.Undefined();
  }

  // After stop()'s reply: ends the Python thread and lets Node exit.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  void Shutdown() {
    if (!runtime_) return;
    runtime_.reset();  // stops and joins the Python thread if stop() was not called
    wake_.Release();
  }

  Napi::ThreadSafeFunction wake_;
  std::unique_ptr<EventQueue> events_;
  std::unique_ptr<PythonRuntime> runtime_;
};

// A Buffer that takes over the bytes without copying them.
Napi::Buffer<char> OwnedBuffer(Napi::Env env, std::string&& bytes) {
  if (bytes.empty()) return Napi::Buffer<char>::New(env, 0);  // no external memory for nothing
  auto* owned = new std::string(std::move(bytes));
  return Napi::Buffer<char>::New(env, owned->data(), owned->size(),
                                 [](Napi::Env, char*, std::string* s) { delete s; }, owned);
}

Napi::Object ToJs(Napi::Env env, Event& event) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("job", Napi::Number::New(env, static_cast<double>(event.job)));
  switch (event.kind) {
    case Event::Kind::Iopub: {
      out.Set("kind", "iopub");
      out.Set("msgType", event.type);
      out.Set("content", OwnedBuffer(env, std::move(event.payload)));
      // Only comm messages carry these; stream and display events stay lean without them.
      if (!event.metadata.empty()) out.Set("metadata", OwnedBuffer(env, std::move(event.metadata)));
      if (!event.buffers.empty()) {
        Napi::Array buffers = Napi::Array::New(env, event.buffers.size());
        for (size_t i = 0; i < event.buffers.size(); ++i) {
          buffers.Set(static_cast<uint32_t>(i), OwnedBuffer(env, std::move(event.buffers[i])));
        }
        out.Set("buffers", buffers);
      }
      break;
    }
    case Event::Kind::Reply:
      out.Set("kind", "reply");
      out.Set("ok", event.type == "ok");
      if (event.type != "ok") out.Set("code", event.type);
      out.Set("payload", Napi::Buffer<char>::Copy(env, event.payload.data(), event.payload.size()));
      break;
    case Event::Kind::InputRequest:
      out.Set("kind", "input");
      out.Set("prompt", event.type);
      out.Set("password", event.password);
      break;
    case Event::Kind::KernelRequest:
      out.Set("kind", "kernel-request");
      out.Set("payload", Napi::Buffer<char>::Copy(env, event.payload.data(), event.payload.size()));
      break;
    case Event::Kind::ThreadEnded:
      out.Set("kind", "thread-ended");
      out.Set("reason", event.payload);
      break;
  }
  return out;
}

void Interpreter::Deliver(Napi::Env env, Napi::Function on_events) {
  if (!events_) return;
  std::vector<Event> events = events_->drain();
  if (events.empty()) return;
  Napi::Array array = Napi::Array::New(env, events.size());
  for (size_t i = 0; i < events.size(); ++i) array.Set(static_cast<uint32_t>(i), ToJs(env, events[i]));
  on_events.Call({array});
}

// The stdout and stderr the kernel was launched with, for Node's own output once fds 1 and 2 carry cell
// output: {stdout, stderr} descriptors.
Napi::Value OriginalOutputFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const OriginalOutput& fds = original_output();
  if (!fds.error.empty()) {
    ThrowError(env, "PYSWITCH_ORIGINAL_OUTPUT", "cannot keep the kernel's own stdout and stderr: " + fds.error);
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("stdout", Napi::Number::New(env, fds.stdout_fd));
  out.Set("stderr", Napi::Number::New(env, fds.stderr_fd));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Interpreter", Interpreter::Define(env));
  exports.Set("originalOutput", Napi::Function::New<OriginalOutputFds>(env, "originalOutput"));
  return exports;
}

}  // namespace

NODE_API_MODULE(pyswitch_python, Init)
