/**
 * The standard grpc.health.v1.Health/Check, so gateways can probe billing as
 * they would a production service. Its two messages are declared inline.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const HEALTH = protobuf.Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: {
      fields: { status: { type: 'ServingStatus', id: 1 } },
      nested: {
        ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
      },
    },
  },
});
const REQUEST = HEALTH.lookupType('HealthCheckRequest');
const RESPONSE = HEALTH.lookupType('HealthCheckResponse');

const HEALTH_SERVICE: grpc.ServiceDefinition = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: object) =>
      Buffer.from(REQUEST.encode(REQUEST.fromObject(value)).finish()),
    requestDeserialize: (bytes: Buffer) => REQUEST.toObject(REQUEST.decode(bytes)),
    responseSerialize: (value: object) =>
      Buffer.from(RESPONSE.encode(RESPONSE.fromObject(value)).finish()),
    responseDeserialize: (bytes: Buffer) =>
      RESPONSE.toObject(RESPONSE.decode(bytes), { enums: String }),
  },
};

/** Serves Check; `serving()` decides the answer at each call. Health checks are not counted as billing calls. */
export function addHealthService(server: grpc.Server, serving: () => boolean): void {
  server.addService(HEALTH_SERVICE, {
    Check: ((_call, callback) =>
      callback(null, { status: serving() ? 'SERVING' : 'NOT_SERVING' })) as grpc.handleUnaryCall<
      object,
      object
    >,
  });
}
