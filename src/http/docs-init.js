// Starts Swagger UI on /docs. Served as a file, not inline, so the page runs under script-src 'self'.
/* global SwaggerUIBundle */

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** The csrf_token cookie's value, or undefined when there is no session. */
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrf_token=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : undefined;
}

window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No online validator badge: the page makes no request outside this server.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // "Try it out" runs as the signed-in user: the cookies go along (same origin), and writes carry
  // the double-submit CSRF header the server asks for.
  requestInterceptor: (request) => {
    const token = csrfToken();
    if (token && WRITE_METHODS.includes(String(request.method).toUpperCase())) {
      request.headers['X-CSRF-Token'] = token;
    }
    return request;
  },
});
