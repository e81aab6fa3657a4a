// The parameter plan and the limits, as the bindings hand them to the SDK.
use latentkit_core::{limits, Autoencoder, ModelConfig};

#[test]
fn the_plan_is_the_models_layout() {
    for json in [
        r#"{"inputSize":10,"encoder":[8,3]}"#,
        r#"{"inputSize":10,"encoder":[8,3],"variational":true}"#,
        r#"{"inputSize":104,"tokens":{"table":8,"length":8,"vocab":13,"context":2},"encoder":[16,4],"loss":"cce"}"#,
    ] {
        let config = ModelConfig::from_json(json).unwrap();
        let plan = config.plan();
        let net = Autoencoder::new(config).unwrap();
        assert_eq!(plan.layers, net.layers(), "{json}");
        assert_eq!(plan.param_count, net.params().len(), "{json}");
        let last = plan.layers.last().unwrap();
        assert_eq!(last.biases.end, plan.param_count, "the buffer ends with the last biases");
        assert!(plan.to_json().starts_with(&format!(r#"{{"paramCount":{},"layers":[{{"inputs":"#, plan.param_count)));
    }
    let plan = ModelConfig::from_json(r#"{"inputSize":10,"encoder":[8,3]}"#).unwrap().plan();
    // 10·8+8, 8·3+3, 3·8+8, 8·10+10
    assert_eq!(plan.param_count, 88 + 27 + 32 + 90);
    assert!(plan.to_json().contains(r#"{"inputs":10,"outputs":8,"activation":"relu","weights":[0,80],"biases":[80,88]}"#), "{}", plan.to_json());
}

#[test]
fn a_config_above_the_limits_is_refused_before_any_allocation() {
    let width = limits::MAX_LAYER_WIDTH;
    let err = ModelConfig::from_json(&format!(r#"{{"inputSize":{width},"encoder":[{width},{width}]}}"#)).err().unwrap();
    assert_eq!(err.code(), "TOO_LARGE");
    let json = limits::limits_json();
    assert!(json.contains(&format!(r#""maxParams":{}"#, limits::MAX_PARAMS)) && json.contains(r#""maxUnits":65536"#), "{json}");
    assert!(json.contains(r#""maxDataValues":268435456"#) && json.contains(r#""maxLayers":64"#), "{json}");
}
