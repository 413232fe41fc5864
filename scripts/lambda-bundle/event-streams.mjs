// Stands in for @smithy/core/event-streams in the Lambda bundle (scripts/build.mjs). The rule sends no event-stream
// operation (of its clients' operations, only CloudWatch Logs' StartLiveTail is one), but the CloudWatch Logs client
// sets up an event-stream marshaller when it is made: it gets one that refuses to be used.
function refuse() {
  throw new Error('event-stream operations are left out of the Lambda bundle (scripts/build.mjs)');
}

export const eventStreamSerdeProvider = () => ({ serialize: refuse, deserialize: refuse });

export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export class EventStreamSerde {
  constructor() {
    refuse();
  }
}
