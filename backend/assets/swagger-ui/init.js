// Starts Swagger UI on Licita's OpenAPI document. A file of its own because the
// Content-Security-Policy forbids inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
