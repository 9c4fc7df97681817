# Sourced (not run) by every script that runs npm, node-gyp or apt and may itself be started by `npm test` or
# `npm run`. The outer npm exports its whole configuration as npm_config_* (user agent, node version, nodedir,
# prefix, cache…) plus npm_package_*/npm_lifecycle_* and puts its own bin folders first on PATH. A nested npm
# reads those variables as its own settings: code-server's postinstall, for one, found the outer Node 20 in
# npm_config_user_agent and refused to install under Node 24. Nested tools must see only what we give them.
clean_npm_env() {
  local name
  while IFS= read -r name; do
    case "$name" in
      npm_*|NPM_CONFIG_*|INIT_CWD|NODE|COLOR) unset "$name" ;;
    esac
  done < <(compgen -e)
  # npm run prepends <pkg>/node_modules/.bin folders and its node-gyp-bin shim; drop them from PATH.
  local kept="" dir
  local IFS=:
  for dir in $PATH; do
    case "$dir" in
      */node_modules/.bin|*/node-gyp-bin) ;;
      *) kept="${kept:+$kept:}$dir" ;;
    esac
  done
  PATH="$kept"
  export PATH
}
clean_npm_env
