#pragma once
#include <string>

// Takes the pending Python exception (clearing it) and returns "Type: message". The caller holds the GIL.
std::string take_python_error();
