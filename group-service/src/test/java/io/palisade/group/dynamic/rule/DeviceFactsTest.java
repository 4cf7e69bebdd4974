package io.palisade.group.dynamic.rule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static io.palisade.group.dynamic.rule.RuleParserTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeviceFactsTest {

    @Test
    void normalisesAFullInventory() {
        DeviceFacts facts = DeviceFacts.from(json("""
                {'hostname':'PC-01','os':{'platform':'Windows','name':'Windows 11 Pro','version':'10.0.22631'},
                 'agent':{'version':'1.2.3-RC1'},'hardware':{'ramMb':16384,'cpu':'x86_64'},
                 'network':{'ipv4':['192.168.1.20','10.0.0.5/24','10.0.0.5','bogus']},
                 'products':[{'name':'Google Chrome','version':'120.0.6099.110'},{'name':'ESET Endpoint Security',
                   'version':'10.1.2045.0'},{'name':'No Version'}],
                 'protection':{'status':'AT_RISK'},'tags':['VIP','server','vip']}"""));
        assertEquals(new DeviceFacts("windows", "windows 11 pro", "10.0.22631",
                "0000000010.0000000000.0000022631", "pc-01", "1.2.3-rc1", "0000000001.0000000002.0000000003.rc1",
                16384L, "at_risk", List.of("10.0.0.5", "192.168.1.20"),
                List.of("eset endpoint security", "google chrome", "no version"),
                List.of("10.1.2045.0", "120.0.6099.110"),
                List.of("0000000010.0000000001.0000002045.0000000000", "0000000120.0000000000.0000006099.0000000110"),
                List.of("server", "vip")), facts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "'text'", "42", "{}", "{'os':'x','agent':[],'hardware':1,'network':{'ipv4':{}},"
            + "'products':{},'protection':'x','tags':'a,b','hostname':{}}",
            "{'os':{'platform':1,'name':true,'version':[]},'hardware':{'ramMb':'8192'},'products':[1,'x',null],"
                    + "'tags':[1,true,null,{}],'hostname':''}"})
    void garbageMeansAbsentFacts(String inventory) {
        assertEquals(DeviceFacts.NONE, DeviceFacts.from(json(inventory)));
    }

    @Test
    void nullMeansNoFacts() {
        assertEquals(DeviceFacts.NONE, DeviceFacts.from(null));
    }

    @Test
    void ramMbMustBeAWholeNumber() {
        assertEquals(8192L, DeviceFacts.from(json("{'hardware':{'ramMb':8192.0}}")).ramMb());
        assertNull(DeviceFacts.from(json("{'hardware':{'ramMb':8192.5}}")).ramMb());
        assertNull(DeviceFacts.from(json("{'hardware':{'ramMb':1e30}}")).ramMb());
        assertNull(DeviceFacts.from(json("{'hardware':{'ramMb':123456789012345678901234567890}}")).ramMb());
        assertEquals(-1L, DeviceFacts.from(json("{'hardware':{'ramMb':-1}}")).ramMb());
    }

    @Test
    void textsThatPostgresCannotStoreAreRepaired() {
        DeviceFacts facts = DeviceFacts.from(json("{'hostname':'a\\u0000b\\ud800c','tags':['\\udc00']}"));
        assertEquals("a\uFFFDb\uFFFDc", facts.hostname());
        assertEquals(List.of("\uFFFD"), facts.tags());
    }

    @Test
    void versionKeysPadNumbersAndKeepWords() {
        assertEquals("0000000010.0000000000.0000019045", Texts.versionKey("10.0.19045"));
        assertEquals("0000000001.0000000000", Texts.versionKey("01-000"));
        assertEquals("0000000002.0000000000.beta", Texts.versionKey("2.0_beta"));
        assertEquals("v3", Texts.versionKey("v3"));
        assertEquals("", Texts.versionKey(""));
        assertEquals("0000000001..", Texts.versionKey("1.."));
        assertEquals("12345678901", Texts.versionKey("12345678901"));
        assertEquals(-1, Integer.signum(Texts.compareCodePoints(Texts.versionKey("10.0.9"),
                Texts.versionKey("10.0.19045"))));
        // code point order, not UTF-16 order: U+FF5E sorts before U+1F600 as in PostgreSQL's "C" collation
        assertEquals(-1, Integer.signum(Texts.compareCodePoints("\uFF5E", "😀")));
    }

    @Test
    void columnsAndValuesLineUp() {
        DeviceFacts facts = DeviceFacts.from(json("{'hostname':'h','hardware':{'ramMb':1},'tags':['b','a'],"
                + "'network':{'ipv4':['10.0.0.1']}}"));
        List<String> columns = DeviceFacts.columns();
        List<Object> values = facts.values();
        assertEquals(14, columns.size());
        assertEquals(columns.size(), values.size());
        assertEquals("h", values.get(columns.indexOf("hostname")));
        assertEquals(1L, values.get(columns.indexOf("ram_mb")));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) values.get(columns.indexOf("tags")));
        assertArrayEquals(new String[] {"10.0.0.1"}, (String[]) values.get(columns.indexOf("ipv4")));
        assertNull(values.get(columns.indexOf("product_names")), "an empty list is written as NULL");
        assertEquals(Arrays.asList(new Object[14]), DeviceFacts.NONE.values());
    }

    @Test
    void placeholdersCastTheArrays() {
        List<String> placeholders = DeviceFacts.placeholders(3);
        assertEquals("$3::text", placeholders.get(0));
        assertEquals("$10::bigint", placeholders.get(DeviceFacts.columns().indexOf("ram_mb")));
        assertEquals("$12::text[]::inet[]", placeholders.get(DeviceFacts.columns().indexOf("ipv4")));
        assertEquals("$16::text[]", placeholders.get(13));
        String set = DeviceFacts.assignments(3);
        assertEquals(true, set.startsWith("os_platform = $3::text, os_name = $4::text, "));
        assertEquals(true, set.endsWith("ipv4 = $12::text[]::inet[], product_names = $13::text[], "
                + "product_versions = $14::text[], product_version_keys = $15::text[], tags = $16::text[]"));
    }
}
