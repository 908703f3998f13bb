/** One Web API call or response_url post as the fake received it. */
export interface RecordedCall {
  method: string;
  /** Bearer token the call used (Web API calls only). */
  token?: string;
  body: Record<string, unknown>;
  at: number;
  /** The `ts` Slack answered a post with: a test presses a button on the message as it was posted. */
  ts?: string;
}
