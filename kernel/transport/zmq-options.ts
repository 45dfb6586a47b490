// Socket options zeromq.js v6 has no property for, set through its generic setter.
export const ZMQ_USE_FD = 89; // libzmq >= 4.2: listen on a descriptor of the kernel's instead of binding one
// zeromq.js declares its generic option setter protected.
export type OptionSetter = { setInt32Option(option: number, value: number): void };
