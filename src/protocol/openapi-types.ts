import type { HttpMethod, ResourceOperation } from './contract.ts';

/** A JSON Schema as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** A reference to a component of the document. */
export interface Reference {
  $ref: string;
}

/** The `info` object of the document. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  license?: { name: string; identifier?: string };
}

/** A parameter (path, query or header). */
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** One media type of a body: its schema and named examples. */
export interface OpenApiMediaType {
  schema: JsonSchema;
  examples?: Record<string, Reference>;
}

/** One response of an operation. */
export interface OpenApiResponse {
  description: string;
  headers?: Record<string, Reference>;
  content?: { 'application/json': OpenApiMediaType };
}

/** One operation (a route). */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: (OpenApiParameter | Reference)[];
  requestBody?: { required: true; content: { 'application/json': OpenApiMediaType } };
  responses: Record<string, OpenApiResponse | Reference>;
  /** The whole query as one object schema, `additionalProperties: false`: unknown parameters are refused. */
  'x-tenet-query': JsonSchema;
  /** Which resource operation of the kit this is, for generic clients such as the console. */
  'x-tenet-resource'?: ResourceOperation;
}

/** A header a response carries. */
export interface OpenApiHeader {
  description: string;
  required: boolean;
  schema: JsonSchema;
}

/** The generated OpenAPI 3.1 document. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  servers: { url: string; description: string; 'x-internal': boolean }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    examples: Record<string, { summary: string; value: unknown }>;
    parameters: Record<string, OpenApiParameter>;
    headers: Record<string, OpenApiHeader>;
    securitySchemes: Record<string, JsonSchema>;
  };
}
