// A stand-in for express, for the demo app only (test/demo/app.ts): the demo workspace's routes call
// Router() and register handlers, which the demo app then calls directly. It serves no HTTP; the real
// express is not installed in this repository.
'use strict';

function Router() {
  const routes = [];
  const register = (method) => (path, ...handlers) => {
    routes.push({ method, path, handler: handlers[handlers.length - 1] });
  };
  return { routes, get: register('GET'), post: register('POST'), put: register('PUT'), delete: register('DELETE'), use() {} };
}

module.exports = { Router };
