//! The plan summary as JSON, the form the C and JavaScript layers hand out.
#![cfg(feature = "serde")]

use patch_core::{Layout, PadMode, Padding, PatchSpec, Plan};

#[test]
fn summary_serializes_with_every_number() {
    let layout = Layout::of::<u8>(&[224, 224, 3]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16]).channels_last()).unwrap();
    let json = serde_json::to_value(plan.summary().unwrap()).unwrap();
    assert_eq!(json["shape"], serde_json::json!([14, 14, 16, 16, 3]));
    assert_eq!(
        json["view_byte_strides"],
        serde_json::json!([10752, 48, 672, 3, 1])
    );
    assert_eq!(json["num_patches"], 196);
    assert_eq!(json["axes"][0]["role"], "window");
    assert_eq!(json["axes"][0]["size"], 16);
    assert_eq!(json["axes"][2]["role"], "whole");
    assert_eq!(json["padding"]["convention"], "valid");
    assert_eq!(json["span_bytes"], 224 * 224 * 3);

    let padded = Plan::new(
        &layout,
        &PatchSpec::tiles(&[16, 16]).channels_last(),
        &Padding::same(PadMode::Reflect),
    )
    .unwrap();
    let json = serde_json::to_value(padded.summary().unwrap()).unwrap();
    assert_eq!(json["padding"]["mode"], "reflect");
    // The plan carries no fill value: the padding is a convention and a mode.
    assert_eq!(
        json["padding"],
        serde_json::json!({"convention": "same", "mode": "reflect"})
    );
    let constant = Padding::explicit(&[(1, 2)], PadMode::Constant);
    let text = serde_json::to_string(&constant).unwrap();
    assert_eq!(
        text,
        r#"{"convention":"explicit","pads":[[1,2]],"mode":"constant"}"#
    );
    assert_eq!(serde_json::from_str::<Padding>(&text).unwrap(), constant);
    println!(
        "{}",
        serde_json::to_string(&plan.summary().unwrap()).unwrap()
    );
}
