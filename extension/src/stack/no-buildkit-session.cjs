// Stands in for dockerode/lib/session.js in out/docker.js: BuildKit sessions (gRPC) are not bundled.
module.exports = () => {
  throw new Error('BuildKit sessions are not part of the Weft extension bundle');
};
