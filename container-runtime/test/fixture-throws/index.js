// A package whose init fails: the runtime must report this message to the host.
const base = require("../fixture/index.js")
module.exports = {
  ...base,
  init: async () => {
    throw new Error("fixture init failed on purpose: config.yaml is missing")
  },
}
