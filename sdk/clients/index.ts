export * from "./base.js";
export * from "./reads.js";
export * from "./caseFile.js";
export * from "./anyone.js";
export * from "./shares.js";
export * from "./requester.js";
export * from "./labeler.js";
export * from "./juror.js";
