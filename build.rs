//! Derives a character-for-character traditional → simplified table from `fast2s` at build
//! time, so that normalisation is a table look-up, identical at index and query time; the
//! default-ignorable code points (zero-width spaces and joiners, soft hyphens, variation
//! selectors, byte-order marks), which normalisation drops; the brackets, quotation marks and
//! sentence punctuation a pasted query may be wrapped in; and one bit per character of the Basic
//! Multilingual Plane that normalisation leaves as it is.

use std::collections::HashSet;
use std::fmt::Write;

use icu_properties::props::{
    DefaultIgnorableCodePoint, GeneralCategory, GeneralCategoryGroup, QuotationMark,
    TerminalPunctuation,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::{IsNormalized, is_nfkc_quick};

fn main() {
    let ranges = [0x3400..=0x4DBF_u32, 0x4E00..=0x9FFF, 0xF900..=0xFAFF];
    let mut table = String::from(
        "/// (traditional, simplified) pairs, sorted.\npub static T2S: &[(char, char)] = &[\n",
    );
    // One bit per unified ideograph (U+4E00..=U+9FFF): set when it has a simplified form.
    let mut bits = [0u64; (0x9FFF_usize - 0x4E00 + 1).div_ceil(64)];
    let mut count = 0;
    let mut traditional = HashSet::new();
    for range in ranges {
        for code in range {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let converted: Vec<char> = fast2s::convert(&c.to_string()).chars().collect();
            if let [simplified] = converted[..]
                && simplified != c
            {
                writeln!(table, "    ({c:?}, {simplified:?}),").expect("write to string");
                count += 1;
                traditional.insert(c);
                if (0x4E00..=0x9FFF).contains(&code) {
                    let i = (code - 0x4E00) as usize;
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
        }
    }
    table.push_str("];\n");
    write!(
        table,
        "/// One bit per unified ideograph from U+4E00: set when `T2S` has it.\n\
         pub static HAS_T2S: [u64; {}] = {bits:?};\n",
        bits.len()
    )
    .expect("write to string");
    // Characters nobody sees (Unicode's Default_Ignorable_Code_Point): a zero-width space inside
    // a word must not keep the word from being found.
    let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    table.push_str(
        "/// Default-ignorable code points, as inclusive ranges, sorted.\n\
         pub static IGNORABLE: &[(char, char)] = &[\n",
    );
    write_ranges(&mut table, ignorable.iter_ranges());
    // What wraps or ends a phrase rather than belonging to it (Unicode's opening, closing,
    // initial and final punctuation, Quotation_Mark and Terminal_Punctuation: `(` `）` `《` `"`
    // `“` `。` `，` `!`),
    // which a query pasted from a sentence brings along at its edges.
    let category = CodePointMapData::<GeneralCategory>::new();
    let wrapping = GeneralCategoryGroup::OpenPunctuation
        .union(GeneralCategoryGroup::ClosePunctuation)
        .union(GeneralCategoryGroup::InitialPunctuation)
        .union(GeneralCategoryGroup::FinalPunctuation);
    let terminal = CodePointSetData::new::<TerminalPunctuation>();
    let quotation = CodePointSetData::new::<QuotationMark>();
    let edge: Vec<u32> = (0..=0x10FFFF_u32)
        .filter(|&code| {
            char::from_u32(code).is_some_and(|c| {
                wrapping.contains(category.get(c)) || terminal.contains(c) || quotation.contains(c)
            })
        })
        .collect();
    table.push_str(
        "/// Brackets, quotation marks and sentence punctuation, as inclusive ranges, sorted.\n\
         pub static EDGE_PUNCTUATION: &[(char, char)] = &[\n",
    );
    let mut ranges: Vec<std::ops::RangeInclusive<u32>> = Vec::new();
    for code in edge {
        match ranges.last_mut() {
            Some(last) if *last.end() + 1 == code => *last = *last.start()..=code,
            _ => ranges.push(code..=code),
        }
    }
    write_ranges(&mut table, ranges.into_iter());
    // The characters that NFKC (on the character alone), lower-casing and the tables above all
    // leave unchanged: most of any text, folded with one bit test.
    let mut itself = vec![0u64; 0x10000 / 64];
    for code in 0..0x10000_u32 {
        if let Some(c) = char::from_u32(code)
            && !ignorable.contains(c)
            && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
            && c.to_lowercase().eq(std::iter::once(c))
            && !traditional.contains(&c)
        {
            itself[code as usize / 64] |= 1 << (code % 64);
        }
    }
    write!(
        table,
        "/// One bit per character of the Basic Multilingual Plane: set when normalisation leaves \
         it unchanged.\npub static FOLDS_TO_ITSELF: [u64; {}] = {itself:?};\n",
        itself.len()
    )
    .expect("write to string");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("t2s.rs");
    std::fs::write(out, table).expect("write t2s.rs");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=NEWSSEARCH_T2S_PAIRS={count}");
}

/// Writes code point ranges as `(first, last)` char pairs and closes the table.
fn write_ranges(table: &mut String, ranges: impl Iterator<Item = std::ops::RangeInclusive<u32>>) {
    for range in ranges {
        let (Some(first), Some(last)) =
            (char::from_u32(*range.start()), char::from_u32(*range.end()))
        else {
            continue;
        };
        writeln!(table, "    ({first:?}, {last:?}),").expect("write to string");
    }
    table.push_str("];\n");
}
