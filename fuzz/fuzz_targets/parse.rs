//! Arbitrary bytes → the parser. Must never panic; and text that parses without an error must
//! print (`policy::print`) as text that parses again without an error, to the same tree (spans
//! and the spelling of string escapes aside), which prints as the same text again.
#![no_main]

use gate::policy::format::clear_module;
use gate::policy::parser::parse_module;
use gate::policy::print::print_module;
use gate::span::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mut module, diags) = parse_module(FileId(0), text);
    if !diags.is_empty() {
        return;
    }
    let printed = print_module(&module);
    let (mut again, diags) = parse_module(FileId(0), &printed);
    assert!(
        diags.is_empty(),
        "printed text does not parse: {diags:?}\n--- input\n{text}\n--- printed\n{printed}"
    );
    let reprinted = print_module(&again);
    assert_eq!(
        printed, reprinted,
        "printing is not idempotent\n--- input\n{text}"
    );
    clear_module(&mut module);
    clear_module(&mut again);
    assert!(
        module == again,
        "the printed text reads as another tree\n--- input\n{text}\n--- printed\n{printed}"
    );
});
