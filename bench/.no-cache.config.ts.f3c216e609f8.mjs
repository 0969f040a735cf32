import demo from "../switchboard.config.js";
var no_cache_config_default = { ...demo, pipeline: { cache: { enabled: false } } };
export {
  no_cache_config_default as default
};
