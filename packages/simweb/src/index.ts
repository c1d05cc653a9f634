// @crawl-diag/simweb: a simulated web on loopback for crawler tests and the bench.
export { startSimWeb, type SimWeb, type SimRequest, type SimSiteInfo } from './server.js';
export { DEFAULT_ROBOTS_MIX, type Latency, type RobotsVariant, type SimWebOptions } from './options.js';
export type { ReachabilityOptions } from './reachability.js';
export { seededRandom } from './random.js';
export { profileAt, type Profile, type ServerBehaviour, type TimelineBucket } from './behaviour.js';
