/**
 * Every builtin namespace module. Each module exports `builtins: readonly BuiltinDef[]`; add one import and one
 * entry per namespace file.
 */
import { builtins as aggregates } from './aggregates.js';
import { builtins as collections } from './collections.js';
import { builtins as comparison } from './comparison.js';
import { builtins as encoding } from './encoding.js';
import { builtins as glob } from './glob.js';
import { builtins as graph } from './graph.js';
import { builtins as json } from './json.js';
import { builtins as net } from './net.js';
import { builtins as numbers } from './numbers.js';
import { builtins as regex } from './regex.js';
import { builtins as strings } from './strings.js';
import { builtins as time } from './time.js';
import { builtins as units } from './units.js';
import { builtins as uri } from './uri.js';
import { builtins as crypto } from './crypto.js';
import { builtins as jwt } from './jwt.js';
import { builtins as providers } from './providers.js';
import { builtins as graphql } from './graphql.js';
import { builtins as semver } from './semver.js';
import { builtins as uuid } from './uuid.js';
import { builtins as bits } from './bits.js';
import { builtins as casts } from './casts.js';
import { builtins as tracing } from './tracing.js';
import { builtins as opa } from './opa.js';
import { builtins as http } from './http.js';
import type { BuiltinDef } from './types.js';

export const BUILTIN_MODULES: readonly (readonly BuiltinDef[])[] = [comparison, numbers, aggregates, strings, collections, glob, encoding, units, regex, net, json, time, graph, uri, crypto, jwt, providers, graphql, semver, uuid, bits, casts, tracing, opa, http];
