import { findTemporalCli, findTemporalTestServer, installTemporalBinaries } from './temporal-binaries.ts';

if (!findTemporalCli() || !findTemporalTestServer()) installTemporalBinaries();
console.log(`temporal CLI: ${findTemporalCli() ?? 'not found'}`);
console.log(`temporal test server: ${findTemporalTestServer() ?? 'not found'}`);
