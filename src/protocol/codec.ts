/**
 * The XEXEC wire codec as the add-on uses it through Thunderbird: one import for the
 * transport code, which should not need to know how the pieces are split up.
 */

export { type Result, ok, err } from './result.js';
export { DISCOVERY_MODULE, isModuleName, isSendableModuleName, sameModule } from './module-name.js';
export {
  type Argument,
  type XexecRequest,
  type CommandText,
  type CommandError,
  encodeArgument,
  buildCommandText,
} from './command.js';
export {
  type OutputLine,
  type XexecReply,
  type DecodeError,
  type DecodeErrorKind,
  decodeCustomCommandResult,
  decodeDataLine,
} from './data-line.js';
export {
  type NumericCode,
  type PlainCode,
  type ServerFailure,
  type TaggedReply,
  type TaggedError,
  stripTimingSuffix,
  decodeFailureText,
  decodeErrorMessage,
  decodeTaggedLine,
} from './tagged.js';
export {
  type ExecuteLine,
  type ExecuteFailureCode,
  type ExecuteResult,
  type StoppedUrl,
  failure,
  readLines,
  interpretStoppedUrl,
  replyFromLines,
} from './execute-result.js';
