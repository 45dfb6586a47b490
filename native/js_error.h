// Errors the addons throw to JavaScript carry a `code`, as Node's and zeromq.js's do, so that callers
// tell them apart without reading the message.
#pragma once
#include <napi.h>

#include <optional>
#include <string>

// A call with arguments of the wrong type (Node's own code for it).
inline void ThrowTypeError(Napi::Env env, const std::string& message) {
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  error.ThrowAsJavaScriptException();
}

inline void ThrowError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
}

// The only argument of a call that takes one string, or nullopt with the TypeError thrown (`usage` is
// its signature, for the message).
inline std::optional<std::string> OnlyStringArgument(const Napi::CallbackInfo& info, const char* usage) {
  if (!info[0].IsString()) {
    ThrowTypeError(info.Env(), usage);
    return std::nullopt;
  }
  return info[0].As<Napi::String>().Utf8Value();
}
