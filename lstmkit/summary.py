"""Keras 2's ``model.summary()`` table: layer (type), output shape, parameter count."""


def _row(cells, widths) -> str:
    line = ""
    for cell, width in zip(cells, widths, strict=True):
        line = (line + str(cell))[:width].ljust(width)
    return line.rstrip()


def summary_table(model, line_length: int = 65) -> str:
    """The table as a string; counts equal Keras's (LSTM(10) on 1 feature: 480)."""
    widths = [int(line_length * f) for f in (0.45, 0.85, 1.0)]
    columns = ["Layer (type)", "Output Shape", "Param #"]
    lines = [f'Model: "{model.name}"', "_" * line_length, _row(columns, widths),
             "=" * line_length]
    for i, layer in enumerate(model.layers):
        shape = str(layer.output_shape).replace(",)", ")")
        lines.append(_row([f"{layer.name} ({type(layer).__name__})", shape,
                           layer.count_params()], widths))
        lines.append("=" * line_length if i == len(model.layers) - 1 else "_" * line_length)
    total = model.count_params()
    frozen = sum(w.size for layer in model.layers for name, w in layer.named_weights()
                 if not layer.trainable or name in layer.non_trainable_names)
    lines += [f"Total params: {total:,}", f"Trainable params: {total - frozen:,}",
              f"Non-trainable params: {frozen:,}", "_" * line_length]
    return "\n".join(lines)
